/** What is printed on a card: names, titles, contacts in Latin and Korean, chosen from a seed. */
import type { Rng } from './rng.ts';

export interface CardText {
  name: string;
  title: string;
  company: string;
  lines: string[];
}

const LATIN_FIRST = ['Anna', 'David', 'Sofia', 'James', 'Mina', 'Lucas', 'Elena', 'Omar', 'Clara', 'Victor', 'Julia', 'Daniel', 'Hana', 'Marco', 'Ines', 'Thomas'];
const LATIN_LAST = ['Kim', 'Martin', 'Rossi', 'Schmidt', 'Park', 'Dubois', 'Garcia', 'Novak', 'Lee', 'Andersen', 'Costa', 'Fischer', 'Choi', 'Moreau'];
const TITLES = ['Senior Engineer', 'Product Manager', 'Sales Director', 'Designer', 'Chief Executive Officer', 'Account Manager', 'Research Scientist', 'Marketing Lead', 'Architect', 'Consultant'];
const COMPANIES = ['Northwind Labs', 'Bluepeak Systems', 'Orbit Foods', 'Hanul Design', 'Meridian Legal', 'Cobalt Robotics', 'Seoul Bridge Co.', 'Atlas Freight', 'Lumen Optics', 'Greenleaf Studio'];
const KO_FAMILY = ['김', '이', '박', '최', '정', '강', '조', '윤', '장', '임', '한', '오'];
const KO_GIVEN = ['민준', '서연', '지호', '하은', '도윤', '수아', '예준', '지민', '현우', '서윤', '태희', '은지'];
const KO_TITLES = ['선임 연구원', '영업 이사', '디자이너', '대표이사', '과장', '팀장', '수석 엔지니어', '마케팅 매니저'];
const KO_COMPANIES = ['한빛 소프트', '푸른나래 디자인', '서울 로보틱스', '다온 물산', '새솔 법률사무소', '누리 광학'];
const KO_ADDR = ['서울특별시 강남구 테헤란로 152', '부산광역시 해운대구 센텀로 45', '경기도 성남시 분당구 판교역로 235'];
const LATIN_ADDR = ['12 Harbour Street, Dublin', '221 Market St, San Francisco, CA', 'Rue de Rivoli 48, Paris', 'Kaiserstraße 7, Frankfurt'];

function phone(rng: Rng): string {
  const d = (n: number) => Array.from({ length: n }, () => rng.int(0, 9)).join('');
  return rng.pick([`+82 10-${d(4)}-${d(4)}`, `+1 (${d(3)}) ${d(3)}-${d(4)}`, `+44 20 ${d(4)} ${d(4)}`, `010-${d(4)}-${d(4)}`]);
}

export function cardText(rng: Rng, script: 'latin' | 'korean' | 'mixed'): CardText {
  const first = rng.pick(LATIN_FIRST), last = rng.pick(LATIN_LAST);
  const email = `${first.toLowerCase()}.${last.toLowerCase()}@${rng.pick(['northwind.io', 'bluepeak.com', 'hanul.kr', 'orbit.co', 'lumen.dev'])}`;
  const web = `www.${rng.pick(['northwind.io', 'bluepeak.com', 'hanul.kr', 'cobalt.ai'])}`;
  if (script === 'latin') {
    return { name: `${first} ${last}`, title: rng.pick(TITLES), company: rng.pick(COMPANIES),
      lines: [`T ${phone(rng)}`, `M ${phone(rng)}`, email, rng.pick(LATIN_ADDR), web].slice(0, rng.int(3, 5)) };
  }
  const koName = `${rng.pick(KO_FAMILY)}${rng.pick(KO_GIVEN)}`;
  if (script === 'korean') {
    return { name: koName, title: rng.pick(KO_TITLES), company: rng.pick(KO_COMPANIES),
      lines: [`전화 ${phone(rng)}`, `휴대폰 ${phone(rng)}`, email, rng.pick(KO_ADDR)].slice(0, rng.int(3, 4)) };
  }
  return { name: `${koName}  ${first} ${last}`, title: `${rng.pick(KO_TITLES)} / ${rng.pick(TITLES)}`, company: rng.pick(KO_COMPANIES),
    lines: [`T ${phone(rng)}`, email, rng.pick(KO_ADDR), web].slice(0, rng.int(3, 4)) };
}
